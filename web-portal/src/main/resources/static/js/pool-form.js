// People ticked among a directory search's results stay in the form when the next search replaces
// them; those the form already offers are named as such instead of offered twice.
document.addEventListener('htmx:beforeSwap', (event) => {
  if (event.detail.target.id !== 'user-search-results') return;
  const chosen = document.getElementById('pool-users');
  for (const box of event.detail.target.querySelectorAll('input:checked')) {
    const label = box.labels[0];
    chosen.append(box, label);
  }
});
document.addEventListener('htmx:afterSwap', (event) => {
  if (event.detail.target.id !== 'user-search-results') return;
  const chosen = document.getElementById('pool-users');
  for (const box of event.detail.target.querySelectorAll('input[type=checkbox]')) {
    if (chosen.querySelector(`input[value="${CSS.escape(box.value)}"]`)) {
      const note = document.createElement('span');
      note.className = 'already-listed';
      note.textContent = `${box.labels[0].textContent}: already in the list above`;
      box.labels[0].replaceWith(note);
      box.remove();
    }
  }
});
// Enter in the search box searches; it must not submit the pool form around it.
document.getElementById('user-search')?.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') event.preventDefault();
});
