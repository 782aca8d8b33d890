/** The frame shapes a montage can have. Kept apart from the schema so the CLI can list them without loading zod. */
export const ASPECTS = ['16:9', '9:16', '1:1', '4:5'] as const;
export type Aspect = (typeof ASPECTS)[number];
