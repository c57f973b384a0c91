// Placeholder until the codec exists; see tests/Palisade.Cwmp.Fuzz/README.md once it does.
return 0;
