using Palisade.Acs.Services;

namespace Palisade.Acs.Query;

/// <summary>Parses a filter a client sent; a mistake is a 400 that names the field.</summary>
internal static class Filters
{
    public static Filter? Parse(string? text, DateTimeOffset now, string field = "filter")
    {
        try
        {
            return FilterParser.Parse(text, now);
        }
        catch (FilterException e)
        {
            throw ServiceException.Invalid(field, $"The {field} is not valid: {e.Message}");
        }
    }
}
