package io.veneer.portal.desktops;

import java.util.Set;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/** Renders one table row the same way the page does, for rows sent over server-sent events. */
@Component
class RowRenderer {

  private final ITemplateEngine templates;

  RowRenderer(ITemplateEngine templates) {
    this.templates = templates;
  }

  String render(DesktopRow row) {
    Context context = new Context();
    context.setVariable("row", row);
    // One line: each SSE data line must not hold a bare newline.
    return templates
        .process("fragments/desktop-row", Set.of("row"), context)
        .replaceAll("\\s*\\R\\s*", " ")
        .strip();
  }
}
