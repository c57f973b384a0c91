using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Auth;

/// <summary>
/// Gives a device that got in on the bootstrap credential its own ACS user name and password, in the same session:
/// a SetParameterValues of ManagementServer.Username/Password. The new credential is stored only when the CPE
/// accepted it; a device that refuses stays on the bootstrap credential and gets nothing else this session.
/// </summary>
public sealed class EnrollmentStep(AuthenticationOptions options, ILogger logger) : ISessionStep
{
    /// <summary>The parameter key of the enrollment write.</summary>
    public const string ParameterKey = "palisade-enroll";

    /// <inheritdoc />
    public string Name => "enrollment";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Authentication.UsedCurrentCredential && session.Device.Credentials.Previous is not null)
        {
            // The device now uses the credential it accepted with status 1: the old one is retired.
            session.Changes.Device = session.Changes.Device with { Credentials = session.Device.Credentials with { Previous = null } };
        }

        if (session.Authentication.Enroll)
        {
            var root = session.Device.DataModelRoot ?? "Device.";
            var username = session.Id.ToString();
            var password = PasswordGenerator.Generate();
            var set = new SetParameterValuesRequest(
                [
                    new ParameterValueStruct(root + "ManagementServer.Username", ParameterValue.String(username)),
                    new ParameterValueStruct(root + "ManagementServer.Password", ParameterValue.String(password)),
                ],
                ParameterKey);
            session.Enqueue(new SessionRpc(this, set) { State = new NewCredential(username, password) });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        switch (answer)
        {
            case SetParameterValuesResponse set:
                var (username, password) = (NewCredential)rpc.State!;
                var device = session.Changes.Device;
                session.Changes.Device = device with { Credentials = CredentialChange.Accepted(options, device.Credentials, username, password, set.Status) };
                SessionLog.Enrolled(logger, session.Id.ToString());
                break;

            case CwmpFault fault:
                SessionLog.EnrollmentRefused(logger, session.Id.ToString(), fault.FaultCode);
                // Without its own credentials the device must not get unique connection-request ones (or anything else) either.
                session.ClearQueue();
                break;
        }

        return ValueTask.CompletedTask;
    }

    private sealed record NewCredential(string Username, string Password)
    {
        public override string ToString() => "NewCredential { }";
    }
}
