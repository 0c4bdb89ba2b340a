/**
 * {@code geard}, the Gearman server command: {@link dev.gear.geard.Geard} is the main class of
 * {@code geard.jar} and of the distribution's {@code bin/geard}.
 *
 * <p>The command line is one table of flags (package-private {@code Flags.TABLE}): each row names
 * a flag, its value's placeholder, its help and what it sets, and the usage line, {@code --help},
 * the parser and its error messages are all made from the rows. The server's options go straight
 * into a {@link dev.gear.server.Server.Builder}, so a flag's default is the builder's
 * ({@code ServerDefaults.*}), never repeated here. The server itself lives in
 * {@link dev.gear.server}; this package only reads arguments, starts it and waits.
 */
package dev.gear.geard;
