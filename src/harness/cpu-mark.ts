/** The forwarder's last stderr line (every form of it): the agent's CPU time in ms. */
export const CPU_MARK = 'peerwatch-forward: agent_cpu_ms=';
