/**
 * The live web example: server-rendered components of every scope on one page, updated live in every
 * browser over Server-Sent Events by the Spring Boot starter.
 */
package dev.reactserver.state.example.web;
