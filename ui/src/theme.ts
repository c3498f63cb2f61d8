const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** The theme `step` places after `current` (a stored value that is no theme reads as "system"). */
export function nextTheme(current: string | null, step: number): Theme {
  const i = THEMES.indexOf(current as Theme);
  return THEMES[((i < 0 ? 0 : i) + step) % THEMES.length];
}
