/**
 * The console example: two components, three clients and two users on one store, printed as each of
 * them sees it. Read it as a tour of the API.
 */
package dev.reactserver.state.example;
