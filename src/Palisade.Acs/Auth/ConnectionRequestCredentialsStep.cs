using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Auth;

/// <summary>
/// At enrollment, also gives the device a unique connection-request user name and password (when
/// <see cref="AuthenticationOptions.RotateConnectionRequestCredentials"/>), stored once the CPE accepted them.
/// </summary>
public sealed class ConnectionRequestCredentialsStep(AuthenticationOptions options) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "connection-request-credentials";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Authentication.Enroll && options.RotateConnectionRequestCredentials)
        {
            var root = session.Device.DataModelRoot ?? "Device.";
            var username = "cr-" + PasswordGenerator.Generate(16);
            var password = PasswordGenerator.Generate();
            var set = new SetParameterValuesRequest(
                [
                    new ParameterValueStruct(root + "ManagementServer.ConnectionRequestUsername", ParameterValue.String(username)),
                    new ParameterValueStruct(root + "ManagementServer.ConnectionRequestPassword", ParameterValue.String(password)),
                ],
                "palisade-cr");
            session.Enqueue(new SessionRpc(this, set) { State = new ConnectionRequestEndpoint(string.Empty, username, password, null) });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        if (answer is SetParameterValuesResponse && rpc.State is ConnectionRequestEndpoint set)
        {
            var device = session.Changes.Device;
            session.Changes.Device = device with
            {
                ConnectionRequest = new ConnectionRequestEndpoint(device.ConnectionRequest?.Url ?? string.Empty, set.Username, set.Password, device.ConnectionRequest?.UdpAddress),
            };
        }

        return ValueTask.CompletedTask;
    }
}
