// Rows of "my desktops" as the portal sends them from the desktop events (no polling).
document.addEventListener('DOMContentLoaded', () => {
  const announcer = document.getElementById('announcer');
  window.veneerLive('/desktops/live', {
    desktop: (event) => {
      const holder = document.createElement('tbody');
      holder.innerHTML = event.data;
      const row = holder.firstElementChild;
      const old = document.getElementById(row.id);
      if (old) {
        old.replaceWith(row);
      } else {
        document.getElementById('no-desktops')?.remove();
        document.getElementById('desktop-rows').appendChild(row);
      }
      htmx.process(row);
      announcer.textContent = 'Desktop ' + row.querySelector('code').textContent + ' is '
        + row.querySelector('.state').textContent;
    },
    'desktop-gone': (event) => document.getElementById(event.data)?.remove(),
  });
});
