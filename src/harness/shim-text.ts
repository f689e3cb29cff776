/** What `ssh-add` and `ssh-agent` print, one text for every form of the shims (Node, Perl, C). */

/** `ssh-add -l`: the one key the hosts trust. */
export const SSH_ADD_LIST = '2048 SHA256:peerwatch-shell-world maintainer@openbrain (RSA)';
/** `ssh-agent -s`, with `\n` written as the two characters backslash and n (as it goes into each program's source). */
export const SSH_AGENT_ENV =
  'SSH_AUTH_SOCK=/tmp/ssh-agent.sock; export SSH_AUTH_SOCK;\\nSSH_AGENT_PID=1; export SSH_AGENT_PID;\\necho Agent pid 1;\\n';
