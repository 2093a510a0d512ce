package dev.nines.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One path the API server answers: a template such as {@code /api/regions/{service}/{region}}. */
record Route(String template, Handler handler) {

  /** Answers a request whose path matched, with the template's variables bound. */
  interface Handler {
    ApiServer.Reply answer(Map<String, String> vars, String pathAndQuery, boolean forwarded);
  }

  /** The template's segments: literal ones, and {@code {name}} for a variable. */
  List<String> segments() {
    List<String> out = new ArrayList<>();
    for (String s : template.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** The bound variables when {@code path} (decoded segments) matches, else empty. */
  Optional<Map<String, String>> match(List<String> path) {
    List<String> t = segments();
    if (t.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < t.size(); i++) {
      String seg = t.get(i);
      if (seg.startsWith("{") && seg.endsWith("}")) {
        vars.put(seg.substring(1, seg.length() - 1), path.get(i));
      } else if (!seg.equals(path.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(vars);
  }
}
