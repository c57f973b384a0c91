namespace Palisade.Cwmp.Codec;

/// <summary>
/// Iterates the child elements of the element the reader is on, without allocating. The loop
/// body must consume each child (read its text, read it as a structure, or skip it).
/// </summary>
internal readonly struct ChildElements(BoundedXmlReader reader)
{
    public Enumerator GetEnumerator() => new(reader);

    internal struct Enumerator(BoundedXmlReader reader)
    {
        private int _depth = -1;

        public readonly string Current => reader.LocalName;

        public bool MoveNext()
        {
            if (_depth < 0)
            {
                if (!reader.ReadToFirstChild())
                {
                    return false;
                }

                _depth = reader.Depth;
                return true;
            }

            return reader.ReadToNextSibling(_depth);
        }
    }
}
