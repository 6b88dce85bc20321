// The browser console: noVNC (from the @novnc/novnc npm package) over the portal's console socket,
// admitted once with this page's ticket (issued by the control plane). The portal's proxy signs in
// to the display itself and offers noVNC security type None: no password ever reaches this page.
import RFB from '/novnc/core/rfb.js';

const screen = document.getElementById('screen');
const status = document.getElementById('console-status');
const { desktop, ticket } = screen.dataset;
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const url = scheme + '://' + location.host + '/console/ws?desktop=' + encodeURIComponent(desktop)
  + '&ticket=' + encodeURIComponent(ticket);

const rfb = new RFB(screen, url);
rfb.scaleViewport = true;
rfb.focusOnClick = true;
rfb.addEventListener('connect', () => {
  status.textContent = 'Connected. Click the screen to type into the desktop.';
});
rfb.addEventListener('disconnect', (event) => {
  status.textContent = event.detail.clean
    ? 'The console closed. Reload the page to open it again.'
    : 'The console connection was refused or lost. Reload the page for a new ticket.';
});
rfb.addEventListener('securityfailure', (event) => {
  status.textContent = 'The desktop refused the console: ' + (event.detail.reason || 'no reason given');
});
// Tests and the page's own buttons reach the client here.
window.veneerConsole = rfb;
