package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import java.util.List;

/**
 * A resource the scan judged and the controls that judged it (whether they passed or failed), for
 * outputs that list passes too (JUnit, PolicyReport).
 */
public record Judged(ResourceRef resource, Origin origin, List<Control> controls) {}
