#!/usr/bin/env perl
# Writes a MaxMind DB (.mmdb) from a JSON source:
#   {"database_type": "...", "description": "...",
#    "records": [{"network": "198.18.1.0/24", "data": {...}}, ...]}
# Usage: make-mmdb.pl SOURCE.json OUT.mmdb
# Field types follow MaxMind's GeoIP2/GeoLite2 layouts (iso_code strings,
# autonomous_system_number uint32, is_* booleans, subdivisions an array of maps).
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my ($source, $out) = @ARGV;
die "usage: $0 SOURCE.json OUT.mmdb\n" unless defined $out;

open my $in, '<:raw', $source or die "$source: $!\n";
my $spec = JSON::PP->new->decode(do { local $/; <$in> });
close $in;

my %types = (
  autonomous_system_number       => 'uint32',
  autonomous_system_organization => 'utf8_string',
  city                           => 'map',
  continent                      => 'map',
  country                        => 'map',
  registered_country             => 'map',
  subdivisions                   => [ 'array', 'map' ],
  iso_code                       => 'utf8_string',
  code                           => 'utf8_string',
  names                          => 'map',
  en                             => 'utf8_string',
  geoname_id                     => 'uint32',
  is_anonymous                   => 'boolean',
  is_anonymous_vpn               => 'boolean',
  is_hosting_provider            => 'boolean',
  is_public_proxy                => 'boolean',
  is_residential_proxy           => 'boolean',
  is_tor_exit_node               => 'boolean',
);

my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version               => 6,
  record_size              => 24,
  database_type            => $spec->{database_type},
  languages                => ['en'],
  description              => { en => ($spec->{description} // $spec->{database_type}) },
  alias_ipv6_to_ipv4       => 1,
  remove_reserved_networks => 0,
  map_key_type_callback    => sub {
    my $t = $types{ $_[0] };
    die "$source: no MaxMind type known for key \"$_[0]\"\n" unless defined $t;
    return $t;
  },
);

for my $record (@{ $spec->{records} }) {
  my $data = $record->{data};
  # JSON::PP booleans become MaxMind booleans.
  for my $key (keys %$data) {
    $data->{$key} = $data->{$key} ? 1 : 0 if JSON::PP::is_bool($data->{$key});
  }
  $tree->insert_network($record->{network}, $data);
}

open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
