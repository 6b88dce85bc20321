// Uploads a golden image in pieces through the portal to the image service's resumable upload.
// The bar shows the bytes the image service has received (each piece's progress while it is in
// flight); a failed piece is sent again from the offset the service reports, up to 5 times.
const PIECE = 8 * 1024 * 1024;
const ATTEMPTS = 5;

function csrfHeaders() {
  const header = document.querySelector('meta[name="csrf-header"]').content;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  return { [header]: token, Accept: 'application/json' };
}

function request(method, url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (onProgress) xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () => {
      const answer = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      if (xhr.status >= 200 && xhr.status < 300) resolve(answer);
      else reject(Object.assign(new Error(answer.detail || 'HTTP ' + xhr.status), { status: xhr.status }));
    });
    xhr.addEventListener('error', () => reject(new Error('The portal could not be reached.')));
    xhr.send(body);
  });
}

function bytes(n) {
  return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : n.toLocaleString() + ' bytes';
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('upload-form');
  const bar = document.getElementById('upload-progress');
  const status = document.getElementById('upload-status');
  const button = form.querySelector('button');
  const show = (received, total) => {
    bar.max = total;
    bar.value = received;
    bar.textContent = Math.floor((100 * received) / total) + '%';
    status.textContent = bytes(received) + ' of ' + bytes(total) + ' received ('
      + Math.floor((100 * received) / total) + '%)';
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = document.getElementById('image-file').files[0];
    if (!file) {
      status.textContent = 'Choose a disk image file first.';
      return;
    }
    const base = '/admin/images/' + form.dataset.image + '/uploads';
    button.disabled = true;
    try {
      const version = await request('POST', base, null, csrfHeaders());
      const url = base + '/' + version.id;
      let offset = 0;
      let failures = 0;
      show(0, file.size || 1);
      while (offset < file.size) {
        const piece = file.slice(offset, Math.min(offset + PIECE, file.size));
        try {
          const answer = await request('POST', url, piece,
            { ...csrfHeaders(), 'Upload-Offset': String(offset), 'Content-Type': 'application/octet-stream' },
            (sent) => show(Math.min(offset + sent, file.size), file.size));
          offset = answer.bytesReceived;
          failures = 0;
        } catch (error) {
          if (++failures >= ATTEMPTS) throw error;
          offset = (await request('GET', url, null, csrfHeaders())).bytesReceived;
        }
        show(offset, file.size);
      }
      status.textContent = 'All ' + bytes(file.size) + ' received. Checking and converting the image…';
      const done = await request('POST', url + '/complete', null, csrfHeaders());
      status.textContent = 'Version ' + done.number + ' is ' + done.state + '.';
    } catch (error) {
      status.textContent = 'The upload failed: ' + error.message;
    } finally {
      button.disabled = false;
      htmx.ajax('GET', '/admin/images/' + form.dataset.image + '/versions',
        { target: '#versions', swap: 'outerHTML' });
    }
  });
});
