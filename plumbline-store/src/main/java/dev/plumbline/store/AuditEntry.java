package dev.plumbline.store;

import java.time.Instant;

/**
 * One change of an exception.
 *
 * @param id the audit entry's id (increasing)
 * @param exceptionId the exception
 * @param action CREATE, UPDATE, EXPIRE or DELETE
 * @param actor who made the change
 * @param at when
 * @param before the exception before the change, as JSON; null for CREATE
 * @param after the exception after the change, as JSON; null for DELETE
 */
public record AuditEntry(long id, String exceptionId, String action, String actor, Instant at,
    String before, String after) {}
