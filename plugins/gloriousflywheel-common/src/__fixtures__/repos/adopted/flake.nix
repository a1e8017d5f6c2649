{
  outputs = { self, nixpkgs }: {
    # Attic: http://attic.nix-cache.svc.cluster.local/main
  };
}
