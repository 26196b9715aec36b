package dev.plumbline.scan;

import dev.plumbline.exceptions.PolicyException;

/** A finding that an active exception covers: counted and listed, not reported as open. */
public record Suppressed(Finding finding, PolicyException exception) {}
