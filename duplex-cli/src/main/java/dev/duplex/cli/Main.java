package dev.duplex.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import dev.duplex.cli.bench.BenchCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code duplex} program. {@link #main} runs it on the real process; {@link #commandLine(Env)}
 * builds the same program over other streams and another lifecycle (what the tests do).
 *
 * <p>Exit status: 0 success (for {@code connect}: closed with 1000 or 1001), 1 failure (a
 * connection that failed or closed with another code, a port that cannot be bound), 2 usage error.
 */
@Command(name = "duplex",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "",
        header = "Duplex: a WebSocket (RFC 6455) server and client on the command line.",
        synopsisHeading = "%nUsage: ",
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve                      # then open http://127.0.0.1:8080/",
            "  duplex serve --port 0 --static ./public",
            "  duplex connect ws://127.0.0.1:8080/echo   # type lines, see them come back",
            "  echo hello | duplex connect ws://127.0.0.1:8080/echo",
            "  duplex bench all ws://127.0.0.1:8080       # load it: echo, latency, ...",
            "",
            "Exit status: 0 success, 1 failure (for connect: closed with a code other than",
            "1000/1001, or could not connect), 2 usage error.",
            "Run 'duplex COMMAND --help' for a command's options."
        },
        subcommands = {ServeCommand.class, ConnectCommand.class, BenchCommand.class, HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** The exit status of a usage error. */
    public static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(Env.system()).execute(args));
    }

    /** The program over {@code env}'s streams and lifecycle; run it with {@code execute(args)}. */
    public static CommandLine commandLine(Env env) {
        CommandLine cl = new CommandLine(new Main(), new Factory(env));
        cl.setOut(new PrintWriter(env.out(), true));
        cl.setErr(new PrintWriter(env.err(), true));
        cl.setExitCodeExceptionMapper(e -> 1);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("duplex: " + describe(e));
            if (System.getenv("DUPLEX_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    /** {@code duplex} with no command: says so and shows the usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command: serve or connect");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = e.getMessage();
        if (message != null && message.startsWith("Invalid value for option")) {
            // "Invalid value for option '--max-message': 'x' is not a size..." reads well as is.
            message = message.replaceFirst("^Invalid value for option ", "invalid value for ");
        }
        err.println("duplex: " + lowerFirst(message));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
        err.flush();
        return USAGE;
    }

    /** A message for people: what went wrong, without exception class names when there is a message. */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) {
            return String.valueOf(s);
        }
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    /** The version of the program, from the build. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code --version}: the program's version and the Java it runs on. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "duplex " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }

    /** Hands the environment to the commands that picocli creates. */
    private static final class Factory implements IFactory {
        private final Env env;

        Factory(Env env) {
            this.env = env;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == ServeCommand.class) {
                return cls.cast(new ServeCommand(env));
            }
            if (cls == ConnectCommand.class) {
                return cls.cast(new ConnectCommand(env));
            }
            if (cls == BenchCommand.class) {
                return cls.cast(new BenchCommand(env));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
