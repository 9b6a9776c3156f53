/**
 * What generated accessors call and nothing else should: binding a component's states in one batch. For
 * generated code; not API; may change in any release.
 */
package dev.reactserver.state.runtime.internal;
