// The pool's rollout section, read again whenever one of its desktops changes (the portal hears
// it from Kafka), at most every 300 ms, rather than polled.
document.addEventListener('DOMContentLoaded', () => {
  const section = document.getElementById('rollout');
  const src = section.dataset.src;
  let pending = null;
  window.veneerLive(section.dataset.live, {
    changed: () => {
      pending ??= setTimeout(() => {
        pending = null;
        htmx.ajax('GET', src, { target: '#rollout', swap: 'outerHTML' });
      }, 300);
    },
  });
});
