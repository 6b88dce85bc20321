package io.veneer.portal.admin;

import io.veneer.portal.events.FleetEvent;
import io.veneer.portal.events.FleetEventListener;
import io.veneer.portal.web.SseSubscribers;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.HtmlUtils;

/** Every event of the fleet, as one line each, to admins' open event-feed pages. */
@Component
class AdminFeed implements FleetEventListener {

  private final SseSubscribers<String> admins = new SseSubscribers<>();

  SseEmitter open(String username) {
    return admins.open(username);
  }

  @Override
  public void on(FleetEvent event) {
    String kind =
        switch (event) {
          case FleetEvent.DesktopChanged d -> "desktop";
          case FleetEvent.HostChanged h -> "host";
          case FleetEvent.PoolChanged p -> "pool";
          case FleetEvent.ImageChanged i -> "image";
        };
    String line =
        "<li class=\"feed-"
            + kind
            + "\"><time datetime=\""
            + event.occurredAt()
            + "\">"
            + event.occurredAt()
            + "</time> "
            + HtmlUtils.htmlEscape(event.summary(), "UTF-8")
            + " <span class=\"actor\">by "
            + HtmlUtils.htmlEscape(event.header().getActor(), "UTF-8")
            + "</span></li>";
    admins.publish(admin -> SseEmitter.event().name("fleet").data(line));
  }

  @PreDestroy
  void close() {
    admins.close();
  }
}
