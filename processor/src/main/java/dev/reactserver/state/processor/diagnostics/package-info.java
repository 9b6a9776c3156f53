/**
 * Every compile error the processor reports, tagged, and the reporter that anchors them. Used by the
 * processor and its tests.
 */
package dev.reactserver.state.processor.diagnostics;
