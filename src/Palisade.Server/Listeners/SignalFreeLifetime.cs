using Microsoft.Extensions.Hosting;

namespace Palisade.Server.Listeners;

/// <summary>
/// A host lifetime that leaves SIGTERM and Ctrl+C alone. The default one stops Kestrel at once on SIGTERM, which closes
/// the CWMP listener under sessions in flight; <c>palisade serve</c> handles the signals itself and drains first
/// (<see cref="PalisadeHost.DrainAsync"/>).
/// </summary>
internal sealed class SignalFreeLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
