-- A direct MAX bot profile may trust one extra root certificate (MAX's TLS chain ends at the
-- Russian Ministry of Digital Development's root, which not every OS trusts). A certificate is
-- public: it lives here, the bot token only in the keychain.
ALTER TABLE profiles ADD COLUMN extra_root_pem TEXT;
