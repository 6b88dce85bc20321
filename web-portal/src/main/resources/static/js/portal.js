// Every htmx request carries the CSRF token of this page (Spring Security checks it).
document.addEventListener('htmx:configRequest', (event) => {
  const header = document.querySelector('meta[name="csrf-header"]')?.content;
  const token = document.querySelector('meta[name="csrf-token"]')?.content;
  if (header && token) {
    event.detail.headers[header] = token;
  }
});

// A request that could not reach the portal at all still gets a message in words.
document.addEventListener('htmx:sendError', () => {
  const messages = document.getElementById('messages');
  if (messages) {
    messages.innerHTML = '<div class="problem"><p><strong>The portal did not answer</strong></p>'
      + '<p class="detail">Check your network connection and try again.</p></div>';
  }
});

// Lets a page open a live stream and show whether it is connected.
window.veneerLive = (url, handlers) => {
  const status = document.getElementById('live-status');
  const source = new EventSource(url);
  source.addEventListener('open', () => {
    if (status) status.textContent = 'Live updates: on';
  });
  source.addEventListener('error', () => {
    if (status) status.textContent = 'Live updates: reconnecting…';
  });
  for (const [name, handler] of Object.entries(handlers)) {
    source.addEventListener(name, handler);
  }
  return source;
};
