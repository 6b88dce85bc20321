// The admins' live feed: newest first, the last 200 events.
document.addEventListener('DOMContentLoaded', () => {
  const feed = document.getElementById('feed');
  window.veneerLive('/admin/events/live', {
    fleet: (event) => {
      feed.insertAdjacentHTML('afterbegin', event.data);
      while (feed.children.length > 200) {
        feed.lastElementChild.remove();
      }
    },
  });
});
