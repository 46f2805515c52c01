/**
 * What the services must agree on: the events (immutable records, each with its CloudEvents
 * type), the topics, the failure reasons, the object-store layout and the manifest. Plain Java
 * and Jackson only, so every service, the CLI and an audit consumer can read them.
 */
package org.amyterm.backup.contracts;
