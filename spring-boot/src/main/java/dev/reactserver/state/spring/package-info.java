/**
 * Spring Boot auto-configuration of reactserver-state: the {@code Store} from {@code reactserver.state.*}
 * properties, each browser's client from a signed cookie ({@link dev.reactserver.state.spring.StateClientFilter}),
 * the signed-in user ({@link dev.reactserver.state.spring.StateUserResolver}), a {@code StateContext}
 * argument for controller methods ({@link dev.reactserver.state.spring.RequestStateContexts}), live state
 * changes as Server-Sent Events ({@link dev.reactserver.state.spring.LiveUpdates}), Micrometer meters and an
 * Actuator health indicator.
 */
package dev.reactserver.state.spring;
