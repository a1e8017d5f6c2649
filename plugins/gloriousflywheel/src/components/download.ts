/** Saves `content` as a file through the browser (CSV exports). */
export function downloadFile(
  name: string,
  content: Blob | string,
  type = 'text/csv',
) {
  const blob =
    typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
