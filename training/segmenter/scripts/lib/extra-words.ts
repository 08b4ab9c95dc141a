/**
 * Hand-written word lists the npm word lists lack or under-weight: the vocabulary of social
 * media, common acronyms, and the words names of venues, teams and events are built from.
 * Written for this project from general knowledge (no evaluation data was consulted).
 */

/** Internet and social-media words, spelled as they are typed. */
export const SOCIAL_WORDS = `
lol lmao lmfao rofl omg omfg wtf idk imo imho tbh smh fml ftw ffs brb btw bff bffs yolo
irl dm dms rt rts ff tbt fbf mcm wcw ootd nsfw tl tldr dr afaik ikr nvm jk np ty thx pls plz
tweet tweets tweeting tweeted tweeter tweeps tweep tweetup tweetups retweet retweets retweeted
twitter twitterverse twittersphere hashtag hashtags follow follows follower followers following
followback unfollow unfollowed selfie selfies vlog vlogger vlogs blog blogger blogging blogs
podcast podcasts livestream livestreaming stream streaming streamer youtube youtuber instagram
insta facebook fb snapchat tiktok tumblr reddit linkedin whatsapp iphone ipad ipod imac macbook
android google gmail app apps emoji emojis meme memes gif gifs viral trending trend fandom
fangirl fanboy fam bae bro bros sis squad goals vibes vibe mood lit fomo tfw mfw bday
gonna wanna gotta kinda sorta lemme gimme dunno ya yall y'all cuz coz tho thru nite luv
sooo soo omw rn af asap ok okay yay yeah yep nope hey heyy hiya xoxo xo haha hahaha hehe
lmk icymi hmu gm gn tgif fyi diy faq ceo cto vip mvp goat
`;

/** Common acronyms and initialisms (written upper-case in the synthetic data). */
export const ACRONYMS = `
NBA NFL NHL MLB MLS NCAA UFC WWE FIFA UEFA EPL FC UK US USA UN EU NYC LA SF DC NY TX CA FL
BBC CNN ABC NBC CBS ESPN HBO MTV NPR PBS FOX TV HD DVD CD PC PS NASA FBI CIA NSA IRS GOP DNC
CEO CFO CTO VP PR HR IT AI VR AR API SDK SEO SMS GPS USB WIFI LTE PDF HTML CSS PHP SQL XML
RT FF TBT OMG LOL WTF IDK FYI DIY ASAP RIP MVP VIP GOAT BFF FAQ PhD MBA BA BS MD DJ MC
UCLA USC MIT NYU LSU OSU UNC ACC SEC BCS NASCAR PGA ATP WTA NRL AFL IPL ICC
`;

/** Brand words written with a lower-case first letter and a capital inside, kept whole. */
export const MIXED_CASE_WORDS = `
iPhone iPad iPod iTunes iMac iCloud iOS iPlayer eBay eMail eBook eCommerce
`;

/** Words that follow a name in hashtags of venues, teams, events and shows. */
export const NAME_SUFFIXES = `
arena stadium center centre park field garden gardens hall theatre theater club fc united city
county town university college school academy festival fest con conference summit expo awards
show live tour news tv radio fm music records game games cup league series open classic
championship finals playoffs nation fans family day night week weekend party tweetup meetup
challenge project foundation society team crew gang army squad official
`;

/** Words that come before a name in hashtags of support and events. */
export const NAME_PREFIXES = `
go team love i love we love happy welcome thank you rip pray for save free vote stand with
meet ask watch
`;

export function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}
