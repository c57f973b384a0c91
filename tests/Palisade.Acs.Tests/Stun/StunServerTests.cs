using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Storage;
using Palisade.Acs.Stun;
using Palisade.Cwmp.Stun;

namespace Palisade.Acs.Tests.Stun;

/// <summary>
/// The STUN server faces anyone who can send a datagram: one that makes its handler fail must not end it, and refusals
/// must not flood the log.
/// </summary>
public sealed class StunServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_datagram_that_makes_the_handler_throw_is_counted_and_the_next_one_is_still_answered()
    {
        var logs = new ListLogger();
        var registry = Registry.Answering(_ => throw new InvalidOperationException("the store broke in a way nobody expected"));
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0), registry, new StunBindings(), TimeProvider.System, logs);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        for (var round = 1; round <= 3; round++)
        {
            // A connection-request binding makes the server look its user up: the registry throws.
            await client.SendAsync(Binding("user-" + round, "password"), server.LocalEndPoint);
            var good = Plain();
            await client.SendAsync(good, server.LocalEndPoint);

            var answer = await NextAsync(client);
            Assert.Equal(good.AsSpan(8, 12).ToArray(), answer.TransactionId);
            Assert.Equal(client.Client.LocalEndPoint, answer.Mapped());
            Assert.Equal(round, server.Failures);
        }

        // Logged once (with the exception), not once per datagram.
        var failed = Assert.Single(logs.Lines, l => l.EventId == 653);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("InvalidOperationException", failed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_are_debug_lines_and_a_burst_makes_one_warning_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new ListLogger();
        var registry = Registry.Answering(_ => Task.FromResult(new DeviceSearchResult([], null, null)));
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0), registry, new StunBindings(), time, logs);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        async Task RefusedAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                await client.SendAsync(Binding("guess-" + Guid.NewGuid().ToString("N"), "whatever"), server.LocalEndPoint);
                Assert.Equal(StunMessage.BindingErrorResponse, (await NextAsync(client)).Type);
            }
        }

        await RefusedAsync(StunServer.RefusalBurst - 1);
        Assert.Equal(StunServer.RefusalBurst - 1, server.Refused);
        Assert.All(logs.Lines, l => Assert.Equal(LogLevel.Debug, l.Level));
        Assert.Equal(StunServer.RefusalBurst - 1, logs.Lines.Count(l => l.EventId == 650));

        // The burst: one Warning, however many more come within the minute.
        await RefusedAsync(10);
        var burst = Assert.Single(logs.Lines, l => l.Level > LogLevel.Debug);
        Assert.Equal((652, LogLevel.Warning), (burst.EventId, burst.Level));

        // A minute later (the look-up limiter refilled too), another burst, another Warning.
        time.Advance(TimeSpan.FromMinutes(1));
        await RefusedAsync(StunServer.RefusalBurst);
        Assert.Equal(2, logs.Lines.Count(l => l.EventId == 652));
        Assert.DoesNotContain(logs.Lines, l => l.Level == LogLevel.Information);
        Assert.Equal(0, server.Failures);
    }

    private static byte[] Binding(string user, string password) =>
        StunMessage.NewBindingRequest()
            .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
            .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes(user))
            .ToBytes(password);

    // A plain binding request padded so that its answer may carry both mapped addresses.
    private static byte[] Plain() =>
        StunMessage.NewBindingRequest().Add(0x8022, System.Text.Encoding.ASCII.GetBytes(new string('p', 32))).ToBytes();

    private static async Task<StunMessage> NextAsync(UdpClient client)
    {
        using var wait = new CancellationTokenSource(Patience);
        var datagram = await client.ReceiveAsync(wait.Token);
        Assert.True(StunMessage.TryParse(datagram.Buffer, out var message, out _));
        return message!;
    }

    private sealed record Line(LogLevel Level, int EventId, string Text);

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<Line> _lines = new();

        public IReadOnlyList<Line> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(new Line(logLevel, eventId.Id, formatter(state, exception) + " " + exception));
    }
}

/// <summary>A device registry whose device searches answer as the test says; nothing else is expected to be called.</summary>
#pragma warning disable CA1852 // DispatchProxy needs a type it can derive from.
internal class Registry : DispatchProxy
#pragma warning restore CA1852
{
    private Func<DeviceSearch, Task<DeviceSearchResult>> _search = null!;

    public static IDeviceRegistry Answering(Func<DeviceSearch, Task<DeviceSearchResult>> search)
    {
        var proxy = Create<IDeviceRegistry, Registry>();
        ((Registry)(object)proxy)._search = search;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return targetMethod.Name == nameof(IDeviceRegistry.SearchDevicesAsync)
            ? _search((DeviceSearch)args![0]!)
            : throw new NotSupportedException(targetMethod.Name);
    }
}
