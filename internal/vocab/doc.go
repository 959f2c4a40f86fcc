// Package vocab holds the controlled vocabularies a filing uses instead of
// free text, shipped as data embedded in the binary (data/*.json, each file
// listing the public pages it follows in its "source" field):
//
//   - content types (服务内容): two levels, first-level groups such as
//     "finance" and the second-level codes services choose, such as
//     "finance.payment"; shared by websites, Apps, mini-programs and quick
//     apps; an entry may name the pre-approval type its content needs;
//   - pre-approval types (前置审批): news, publishing, education, medical,
//     drugs and devices, culture, broadcasting, games, ride-hailing,
//     finance, off-campus training, religion, and "none" (none applies);
//   - third-party SDKs an App may declare, with "other";
//   - platforms: App operating systems (Android, iOS, HarmonyOS, other) with
//     the certificate digest their filing asks for, mini-program hosts
//     (WeChat, Alipay, Douyin, Baidu, QQ, Kuaishou, other) with the shape of
//     their app IDs, and quick-app platforms;
//   - languages, as BCP 47 tags.
//
// Codes are stable API values; labels (zh, en) may change. Default returns
// the embedded set; Load reads an operator's edited copy of the same files
// and checks it the same way, so adding an entry needs no code change.
// Nothing here validates a filing: package appinfo does, against a Vocab.
package vocab
