using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Storage;
using Palisade.Server;
using Palisade.Storage.Sqlite;

namespace Palisade.Testing;

/// <summary>A real Palisade on 127.0.0.1 with a free port and a temporary data folder, its log captured.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly Func<string, IPalisadeStore> _openStore;

    private TestServer(PalisadeHost host, string data, LogSink logs, Func<string, IPalisadeStore> openStore)
    {
        Host = host;
        DataDirectory = data;
        Logs = logs;
        _openStore = openStore;
    }

    public PalisadeHost Host { get; private set; }

    public string DataDirectory { get; }

    public LogSink Logs { get; }

    public Uri Url => Host.Facts.CwmpUrl;

    /// <summary>The store the test servers run on: SQLite in the data folder, as <c>palisade serve</c> chooses.</summary>
    /// <summary>The server's own CA with its key, to issue certificates that its devices (the simulated agents) trust.</summary>
    public Palisade.Security.Pki.CertificateAuthority OpenCa() =>
        new(Palisade.Security.Pki.PkiStore.LoadWithKey(Path.Combine(DataDirectory, "pki", "ca.crt"), Path.Combine(DataDirectory, "pki", "ca.key")));

    public static IPalisadeStore OpenStore(string dataDirectory) => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = dataDirectory });

    /// <summary>Starts a server; <paramref name="openStore"/> chooses its store (default: SQLite in the data folder).</summary>
    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null, string? data = null, TimeProvider? time = null, Func<string, IPalisadeStore>? openStore = null)
    {
        data ??= Directory.CreateTempSubdirectory("palisade-test-").FullName;
        openStore ??= OpenStore;
        var logs = new LogSink();
        var host = await PalisadeHost.StartAsync(Options(data, configure), openStore, b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug), time);
        return new TestServer(host, data, logs, openStore);
    }

    /// <summary>Stops and starts the server on the same data folder (a new port).</summary>
    public async Task RestartAsync(Action<ServerOptions>? configure = null)
    {
        await Host.DisposeAsync();
        Host = await PalisadeHost.StartAsync(Options(DataDirectory, configure), _openStore, b => b.AddProvider(Logs));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ServerOptions Options(string data, Action<ServerOptions>? configure)
    {
        var options = new ServerOptions { DataDirectory = data, CwmpPort = 0 };
        options.Api.Port = 0;
        options.Files.Port = 0;

        // Test only: the simulated CPEs listen on 127.0.0.1, which a real server never sends connection requests to.
        options.ConnectionRequestTargets.AllowedNetworks.Add("127.0.0.0/8");
        configure?.Invoke(options);
        return options;
    }
}

/// <summary>Collects every formatted log line.</summary>
public sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} {exception}");
    }
}
