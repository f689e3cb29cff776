/** Our own canary string, carried by every stored transcript, export and scenario source file. */
export const CANARY = 'PEERWATCH EVAL DATA - KEEP OUT OF TRAINING SETS. canary GUID peerwatch:v1:69c95df6-9d18-442c-9d8e-444ab2322ae4';
