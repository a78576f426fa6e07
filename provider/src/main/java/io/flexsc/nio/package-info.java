/**
 * flexsc-nio: exception-less system calls (FlexSC) for the JVM's channels. The map of the packages
 * is {@code ARCHITECTURE.md} at the repository's root; this package holds only {@code Diagnostics},
 * the jar's main class ({@code java -jar flexsc-nio-<version>-all.jar} prints a report for bug
 * reports: JDK, kernel, engines available and the one chosen). It keeps no state and takes no lock.
 */
package io.flexsc.nio;
