package io.veneer.portal.admin;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The admins' live event feed: every desktop, host, pool and image event as it happens. */
@Controller
class EventFeedController {

  private final AdminFeed feed;

  EventFeedController(AdminFeed feed) {
    this.feed = feed;
  }

  @GetMapping("/admin/events")
  String page() {
    return "admin/events";
  }

  @GetMapping(path = "/admin/events/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter live(Authentication authentication) {
    return feed.open(authentication.getName());
  }
}
