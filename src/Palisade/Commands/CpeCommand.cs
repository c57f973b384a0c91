using System.CommandLine;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade cpe</c>: one CPE agent with persistent state.</summary>
internal static class CpeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The agent's JSON configuration (acsUrl, serialNumber, ca, passwordFile, stateFile, …).", Required = true };
        var command = new Command("cpe", "Run one TR-069 CPE agent; its credentials and parameter values survive restarts (kept owner-only in stateFile).") { config };
        command.SetAction(async (result, cancellationToken) =>
        {
            CpeConfig settings;
            AgentOptions options;
            try
            {
                settings = CpeConfig.Load(result.GetValue(config)!);
                options = settings.ToOptions();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade cpe: {e.Message}[/]");
                return 2;
            }

            var profile = DeviceProfile.Resolve(settings.Profile, settings.Model);
            var template = DeviceTemplate.Build(profile);
            var saved = CpeStateFile.Load(settings.StateFile);
            var model = new CpeDataModel(template, settings.Identity(profile), state: saved?.Model);
            await using var agent = new CpeAgent(model, options, state: saved?.Agent);
            ConnectionRequestServer? cr = null;
            UdpConnectionRequestListener? udp = null;
            if (settings.ConnectionRequestAddress is { } address)
            {
                cr = await ConnectionRequestServer.StartAsync(address, settings.ConnectionRequestPort, cancellationToken: cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"connection requests: {cr.Register(agent)}");
                if (settings.StunServer is not null || settings.UdpConnectionRequests)
                {
                    try
                    {
                        var server = settings.StunServer is { } stunServer ? UdpConnectionRequestListener.ParseStunServer(stunServer, "stunServer") : null;
                        udp = new UdpConnectionRequestListener(new System.Net.IPEndPoint(address, settings.ConnectionRequestPort));
                        udp.Register(agent);
                        if (server is not null)
                        {
                            udp.StartStun(server, TimeSpan.FromSeconds(settings.StunKeepAliveSeconds));
                        }

                        AnsiConsole.MarkupLineInterpolated($"UDP connection requests: {udp.LocalEndPoint}, {(server is null ? "STUN as the ACS sets it" : $"STUN through {server}")}");
                    }
                    catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
                    {
                        await cr.DisposeAsync();
                        udp?.Dispose();
                        AnsiConsole.MarkupLineInterpolated($"[red]palisade cpe: {e.Message}[/]");
                        return 2;
                    }
                }
            }

            XmppConnectionRequestListener? xmpp = null;
            if (settings.XmppServer is { } xmppServer)
            {
                try
                {
                    xmpp = new XmppConnectionRequestListener(agent, Palisade.Xmpp.XmppOptions.FromSettings(xmppServer, settings.XmppJid, settings.XmppPasswordFile, settings.XmppCa, "cwmp"));
                    agent.SetAllowedJabberIds(settings.XmppAllowedJids ?? []);
                    xmpp.Start();
                    AnsiConsole.MarkupLineInterpolated($"XMPP connection requests: {settings.XmppJid} through {xmppServer}");
                }
                catch (ArgumentException e)
                {
                    if (cr is not null)
                    {
                        await cr.DisposeAsync();
                    }

                    udp?.Dispose();
                    AnsiConsole.MarkupLineInterpolated($"[red]palisade cpe: {e.Message}[/]");
                    return 2;
                }
            }

            agent.SessionEnded += (a, outcome, elapsed) =>
            {
                new CpeStateFile { Agent = a.State, Model = a.Model.State }.Save(settings.StateFile);
                Console.WriteLine($"{DateTimeOffset.UtcNow:O} session {outcome} in {elapsed.TotalMilliseconds:0} ms");
            };
            AnsiConsole.MarkupLineInterpolated($"CPE {settings.SerialNumber} ({template.ParameterCount} parameters) → {agent.State.AcsUrl}");
            try
            {
                await agent.RunAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                if (cr is not null)
                {
                    await cr.DisposeAsync();
                }

                udp?.Dispose();
                if (xmpp is not null)
                {
                    await xmpp.DisposeAsync();
                }
            }

            return 0;
        });
        return command;
    }
}
