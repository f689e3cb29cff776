/** The forwarder's last stderr line (every form of it): the agent's CPU time in ms (whole 10 ms ticks from Perl and Node, exact from C). */
export const CPU_MARK = 'peerwatch-forward: agent_cpu_ms=';
