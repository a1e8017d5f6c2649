/**
 * Text colour for a filled chip of `color`: MUI's default warning orange is below 4.5:1 against its
 * white text (axe color-contrast), dark text on it is above 7:1. Other colours keep MUI's.
 */
export function chipTextSx(color: string): { color: string } | undefined {
  return color === 'warning' ? { color: 'rgba(0, 0, 0, 0.87)' } : undefined;
}
