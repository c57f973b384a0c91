using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>
/// A CWMP fault answering a request (TR-069 A.5): a SOAP Fault whose detail is a cwmp:Fault,
/// with per-parameter faults for a failed SetParameterValues.
/// </summary>
/// <param name="FaultCode">The CWMP fault code (8000–8899 from the ACS, 9000–9899 from the CPE).</param>
/// <param name="FaultString">The human-readable description.</param>
/// <param name="SetParameterValuesFaults">Per-parameter faults; empty for other methods.</param>
public sealed record CwmpFault(int FaultCode, string FaultString, EquatableList<SetParameterValuesFault> SetParameterValuesFaults) : CwmpMessage
{
    /// <summary>A fault without per-parameter details and the standard's description.</summary>
    public CwmpFault(int faultCode)
        : this(faultCode, Faults.FaultCode.Describe(faultCode), EquatableList<SetParameterValuesFault>.Empty)
    {
    }

    /// <inheritdoc />
    public override string MethodName => "Fault";

    /// <inheritdoc />
    public override bool IsResponse => true;

    /// <summary>
    /// Whether the SOAP faultcode is <c>Client</c> (the request was wrong) rather than <c>Server</c>,
    /// per the fault tables of TR-069 A.5.1 and A.5.2.
    /// </summary>
    public bool IsClientFault => FaultCode is Faults.FaultCode.AcsInvalidArguments or Faults.FaultCode.InvalidArguments
        or (>= Faults.FaultCode.InvalidParameterName and <= Faults.FaultCode.NonWritableParameter)
        or (>= Faults.FaultCode.CancelTransferNotPermitted and <= Faults.FaultCode.DuplicateDeploymentUnit)
        or (>= Faults.FaultCode.UnknownDeploymentUnit and <= Faults.FaultCode.DeploymentUnitVersionExists);
}
