#!/bin/sh
# A container desktop's session, run by the container driver inside the desktop as its user
# (uid 1000): an X server, a window manager, a terminal, and x11vnc serving the display over RFB
# on /run/vnc.sock, which the agent's console listener alone relays to (no TCP port, no password:
# only the desktop's own user and the host's root can reach the socket). The desktop is ready once that socket
# answers. Everything it prints goes to the desktop's session.log, whose last lines name a failure.
export HOME=/home/user USER=user LOGNAME=user DISPLAY=:0 PATH=/usr/local/bin:/usr/bin:/bin
mkdir -p /var/log && echo "veneer-session: started $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> /var/log/veneer-session.log
mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
cd "$HOME" 2>/dev/null || cd /

Xvfb :0 -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
waited=0
while [ ! -S /tmp/.X11-unix/X0 ]; do
  if ! kill -0 "$xvfb" 2>/dev/null; then
    echo "veneer-session: the X server (Xvfb) exited before its display was up"
    exit 1
  fi
  waited=$((waited + 1))
  if [ "$waited" -gt 400 ]; then
    echo "veneer-session: the X server's display was not up after 20 s"
    exit 1
  fi
  sleep 0.05
done

twm &
xterm -geometry 100x30+40+40 &
exec x11vnc -display :0 -forever -shared -quiet -rfbport 0 -unixsock /run/vnc.sock -nopw
