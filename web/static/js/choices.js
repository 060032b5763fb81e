// The protocol's closed lists (phases, card colours, matrix roles, categories …), from the
// server's models with the page (#choices-data), so that a page offers what the server takes.
export const CHOICES = JSON.parse((document.getElementById("choices-data") || {}).textContent || "{}");
