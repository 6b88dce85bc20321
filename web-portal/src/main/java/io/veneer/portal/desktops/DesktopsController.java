package io.veneer.portal.desktops;

import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.Desktop;
import io.veneer.portal.backend.ControlPlaneViews.Pool;
import io.veneer.portal.security.PortalUser;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The person's own pages: the pools they may use and their desktops, kept live. */
@Controller
class DesktopsController {

  private static final Logger log = LoggerFactory.getLogger(DesktopsController.class);

  private final ControlPlane controlPlane;
  private final LiveDesktops live;
  private final StartTimes startTimes;

  DesktopsController(ControlPlane controlPlane, LiveDesktops live, StartTimes startTimes) {
    this.controlPlane = controlPlane;
    this.live = live;
    this.startTimes = startTimes;
  }

  @GetMapping("/")
  String home() {
    return "redirect:/desktops";
  }

  @GetMapping("/desktops")
  String desktops(Authentication authentication, Model model) {
    List<Pool> pools = controlPlane.pools();
    model.addAttribute("pools", pools.stream().filter(p -> "ACTIVE".equals(p.state())).toList());
    model.addAttribute("rows", rows(authentication, shownPools(pools)));
    model.addAttribute("requestKey", UUID.randomUUID().toString());
    return "desktops";
  }

  /** The table's rows again, after the person requested a desktop. */
  @GetMapping("/desktops/rows")
  String rows(Authentication authentication, Model model) {
    model.addAttribute("rows", rows(authentication, shownPools(controlPlane.pools())));
    return "desktops :: rows";
  }

  /** Live changes to the person's desktops (server-sent events, from Kafka). */
  @GetMapping(path = "/desktops/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter liveUpdates(Authentication authentication) {
    String me = PortalUser.of(authentication).subject();
    Map<UUID, ShownPool> pools = shownPools(controlPlane.pools());
    List<UUID> shown =
        controlPlane.desktops().stream()
            .filter(d -> me.equals(d.owner()))
            .map(Desktop::id)
            .toList();
    return live.open(me, shown, pools);
  }

  /**
   * Requests a desktop of a pool. The page's key makes a double click one request; the row then
   * arrives through the live stream and the table is fetched once.
   */
  @PostMapping("/desktops")
  String request(
      @RequestParam UUID poolId,
      @RequestParam String requestKey,
      Authentication authentication,
      Model model) {
    Desktop desktop = controlPlane.requestDesktop(poolId, requestKey + ":" + poolId);
    // The line that starts a desktop's trace: its trace id is on every service's log after it.
    log.info(
        "event=desktop-requested desktop={} pool={} owner={}",
        desktop.id(),
        poolId,
        PortalUser.of(authentication).subject());
    return rows(authentication, model);
  }

  @PostMapping("/desktops/{id}/{action}")
  String act(
      @PathVariable UUID id,
      @PathVariable String action,
      Authentication authentication,
      Model model) {
    Desktop desktop = controlPlane.act(id, DesktopAction.ofPath(action).path());
    Map<UUID, ShownPool> pools = shownPools(controlPlane.pools());
    model.addAttribute("row", row(desktop, pools));
    return "fragments/desktop-row :: row";
  }

  private List<DesktopRow> rows(Authentication authentication, Map<UUID, ShownPool> pools) {
    String me = PortalUser.of(authentication).subject();
    return controlPlane.desktops().stream()
        .filter(d -> me.equals(d.owner()) && !"DELETED".equals(d.state()))
        .map(d -> row(d, pools))
        .toList();
  }

  private DesktopRow row(Desktop desktop, Map<UUID, ShownPool> pools) {
    ShownPool pool =
        pools.getOrDefault(desktop.poolId(), ShownPool.unknown(String.valueOf(desktop.poolId())));
    return new DesktopRow(
        desktop.id(),
        pool.name(),
        desktop.state(),
        desktop.hostId(),
        desktop.failureReason(),
        startTimes.tookToStart(desktop.id()).orElse(null),
        pool.offersUpdateFrom(desktop.goldenVersion()));
  }

  private static Map<UUID, ShownPool> shownPools(List<Pool> pools) {
    return pools.stream().collect(Collectors.toMap(Pool::id, ShownPool::of, (a, b) -> a));
  }
}
