/**
 * What generated accessors call (binding in batches, unboxing that names the state, atomic arithmetic,
 * generic type literals) and the scope grammar the runtime shares between its packages. For generated
 * code; not API; may change in any release.
 */
package dev.reactserver.state.runtime.internal;
