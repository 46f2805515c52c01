/**
 * The audit trail's proof, shared by its writer (the notifier) and its checker
 * ({@code amyterm-backup audit verify}): each line sealed with an HMAC, and checkpoints (line
 * count and chain head) sealed the same way and kept in the bucket.
 */
package org.amyterm.backup.contracts.audit;
