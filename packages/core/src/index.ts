export const PLACEHOLDER_FOR_SMOKE = 1;
