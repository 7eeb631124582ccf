/** The "Copier" buttons of server-rendered markup (`data-copy` names the field to copy). */

/**
 * Copies the field that `button` names, or, where the page has no
 * clipboard (not a secure context), selects it for the reader to copy;
 * the button then says "Copié".
 */
export async function copyFieldOf(button: HTMLElement): Promise<void> {
  const field = document.getElementById(button.dataset.copy ?? "");
  if (!(field instanceof HTMLInputElement)) return;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copié";
    const said = document.getElementById("copied");
    if (said) said.textContent = "Copié dans le presse-papiers";
  } catch {
    field.select();
  }
}
