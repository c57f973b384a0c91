// The composition root of the `palisade` executable. Commands are added by the issues that build them.
Console.Error.WriteLine("palisade: no command yet; see README.md");
return 2;
