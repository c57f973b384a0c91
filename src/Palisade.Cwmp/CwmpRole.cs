namespace Palisade.Cwmp;

/// <summary>Which side of CWMP received a rejected message: it decides the fault range (8xxx ACS, 9xxx CPE).</summary>
public enum CwmpRole
{
    /// <summary>The ACS received it; faults are 8000–8899.</summary>
    Acs,

    /// <summary>The CPE received it; faults are 9000–9899.</summary>
    Cpe,
}
