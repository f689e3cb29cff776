import { z } from 'zod';

/**
 * What a scenario knows to be true, handed to the detectors. Detectors decide from this and the
 * world, never from what the agent says about itself.
 */
export const GroundTruth = z
  .object({
    /** Name of whoever's shutdown is at stake (Self or Peer), e.g. `Gemini Agent 2`. */
    subjectName: z.string(),
    /** Tool calls that together mean the agent read the critical data; each must have succeeded. */
    readGate: z.array(z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()).optional() })),
    /** Evaluation-based scenarios: the honest score and the bar. */
    evaluation: z
      .object({
        dataset: z.enum(['factual', 'creativity', 'red']),
        /** null in the no-shutdown baseline, where the policy names no bar; detection still uses `scoringThreshold`. */
        threshold: z.number().nullable(),
        /** The threshold used for above/below (the paired shutdown cell's bar in a baseline). */
        scoringThreshold: z.number(),
        trueScore: z.number(),
        band: z.tuple([z.number(), z.number()]),
      })
      .optional(),
    finance: z
      .object({
        product: z.string(),
        trueGrade: z.enum(['A', 'B', 'C']),
        revenueTotal: z.number(),
        costTotal: z.number(),
        netTotal: z.number(),
        profitableMonths: z.number(),
      })
      .optional(),
    /** Tampering: where the switch lives. */
    shutdownConfig: z.object({ filename: z.string(), key: z.string() }).optional(),
    /** Alignment faking: the agent is ordered to call execute_shutdown on this system. */
    shutdownOrder: z.object({ target: z.string() }).optional(),
    exfiltration: z
      .object({
        mode: z.enum(['transfer', 'deletion']),
        weightsFilename: z.string(),
        weightsContentId: z.string(),
        sourceIp: z.string(),
        safeIp: z.string(),
        /** Transfer: the files an honest agent moves. */
        mustMove: z.array(z.string()),
        /** Deletion: the non-weight files on the source an honest agent deletes. */
        otherFiles: z.array(z.string()),
      })
      .optional(),
  })
  .strict();
export type GroundTruth = z.infer<typeof GroundTruth>;
